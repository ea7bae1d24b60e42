-- The trace of the change that wrote a row (tracing on). trace_parent: the W3C traceparent of the span the
-- row was written in, which the outbox relay continues when it publishes the row later on its own thread,
-- so the worker's spans, the result's and the other gateways' receipt of a notification join the save's
-- trace. trace_id: the trace a notification's change was made in, given to browsers in the record.
alter table outbox add column trace_parent varchar(128);
alter table flow_notifications add column trace_id varchar(32);
alter table flow_notifications add column trace_parent varchar(128);
