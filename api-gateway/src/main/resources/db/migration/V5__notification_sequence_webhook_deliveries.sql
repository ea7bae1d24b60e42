-- The notification log's public id. A notification is inserted with seq null inside the transaction
-- that makes the change; one sequencer at a time (row 2 of outbox_relay_lock) then numbers committed
-- rows 1, 2, 3, ... without gaps, in the order it sees them committed. So the log read in seq order
-- only ever grows at its end: a reader that has seen seq n has seen every seq below n, which is what
-- lets an SSE client resume after its Last-Event-ID without a gap. (The identity id is assigned at
-- insert, in an order transactions need not commit in.)
alter table flow_notifications add column seq bigint;
update flow_notifications set seq = id;
create unique index flow_notifications_by_seq on flow_notifications (seq);
create index flow_notifications_by_video_seq on flow_notifications (video_id, seq);
drop index flow_notifications_by_video;
insert into outbox_relay_lock (id) values (2);

-- Webhook deliveries already received, by their webhook-id: a redelivery answers with the original
-- outcome and appends nothing.
create table webhook_deliveries (
    webhook_id  varchar(200)  not null primary key,
    success     boolean       not null,
    message     varchar(2000) not null,
    received_at timestamp with time zone not null
);
create index webhook_deliveries_by_time on webhook_deliveries (received_at);
