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
  retrySeconds: setting(
    'HDNS_FEEDS_RETRY',
    seconds(1, 3600),
    60,
    'first retry after a failed feed refresh; it doubles with each failure in a row (jittered) ' +
      "up to the feed's refresh interval",
  ),
  checkSeconds: setting(
    'HDNS_FEEDS_CHECK_INTERVAL',
    seconds(1, 3600),
    30,
    'how often the BIND lease holder (or the only instance) looks for feeds due a refresh',
  ),
} satisfies SettingTree;
