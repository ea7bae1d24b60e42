-- The epoch of the notification log: a random number naming the log's lineage, the first part of every
-- SSE event id (<epoch>-<number>). Numbers are only unique within an epoch: when the log is found to
-- have gone back (a restore, a failover to a replica that lacked the last commits, an H2 file that lost
-- its tail), the sequencer would number again ids that browsers have seen, so the epoch is replaced
-- (compare-and-set on the old value) and clients of the old one are sent reset. The one row is created
-- by the gateway at its first start, with a value from SecureRandom; changed_at is when it was set,
-- which tells hints on the video-notifications topic of this epoch from older ones.
create table notification_epoch (
    id         integer not null primary key,
    epoch      bigint  not null,
    changed_at timestamp with time zone not null
);
