-- One outbox relay publishes at a time, whichever gateway instance it runs in, so that the events of a
-- video keep their order when several instances share the database. A relay takes this row with
-- FOR UPDATE SKIP LOCKED for one round.
create table outbox_relay_lock (
    id integer not null primary key
);
insert into outbox_relay_lock (id) values (1);
