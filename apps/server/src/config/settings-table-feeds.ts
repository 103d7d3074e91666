import { bool, int, seconds } from './setting-kinds.js';
import { setting, type SettingTree } from './setting.js';

/** Blocklist feeds (feeds/): how their lists are downloaded. */
export const FEED_SETTINGS = {
  allowPrivate: setting(
    'HDNS_FEEDS_ALLOW_PRIVATE',
    bool(),
    false,
    'let blocklist feeds download from private, loopback and link-local addresses (refused by ' +
      'default, so a feed URL cannot reach services inside the network)',
  ),
  maxMegabytes: setting(
    'HDNS_FEEDS_MAX_SIZE',
    int(1, 4096, 'MB'),
    256,
    'largest blocklist a feed may download; a bigger one fails and the last good list stays',
  ),
  timeoutSeconds: setting(
    'HDNS_FEEDS_TIMEOUT',
    seconds(1, 3600),
    120,
    'longest a feed download may take',
  ),
} satisfies SettingTree;
