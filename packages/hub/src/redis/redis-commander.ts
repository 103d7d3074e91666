/**
 * The one thing the Redis event log and bus need of a client: send a command, get the reply.
 * node-redis's `RedisClientType` satisfies it (`client.sendCommand`); replies arrive as
 * `unknown` and are parsed (redis-replies.ts), so the log does not depend on node-redis's
 * generic command typings or on its RESP version options.
 */
export interface RedisCommander {
  sendCommand(args: string[]): Promise<unknown>;
}
