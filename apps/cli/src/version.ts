/** The CLI's version, sent as `client.version` in hello and printed by `hdns --version`. */
export const CLI_VERSION = '0.1.0';
