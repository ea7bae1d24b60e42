-- The notification sequencer's own lock: one sequencer numbers the log at a time, whichever gateway
-- instance it runs in, by taking this row with FOR UPDATE SKIP LOCKED for one round. (It borrowed row 2
-- of outbox_relay_lock until now.)
create table notification_sequencer_lock (
    id integer not null primary key
);
insert into notification_sequencer_lock (id) values (1);
-- The borrowed row goes, so that the table is the outbox relay's alone, and so that an instance still
-- running the earlier code during a rolling upgrade never finds its lock free: it numbers nothing,
-- rather than numbering beside a sequencer that takes the new row.
delete from outbox_relay_lock where id = 2;
