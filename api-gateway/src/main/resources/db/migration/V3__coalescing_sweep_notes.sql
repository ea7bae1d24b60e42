-- Coalescing: an unsent OCR request of a caption is found by its caption and replaced by a newer save.
alter table outbox add column caption_id bigint;
create index outbox_by_caption on outbox (caption_id);

-- The stuck-caption sweep: OCR requests made for the caption since the annotator's last save.
alter table captions add column ocr_attempts integer not null default 0;

-- The annotator's notes on a caption's text.
alter table captions add column notes varchar(4000);
