/** The /ws protocol version this code speaks. Bumped only on breaking wire changes. */
export const PROTOCOL_VERSION = 1 as const;
