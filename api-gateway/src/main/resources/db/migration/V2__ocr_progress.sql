-- How far the worker is with a caption's OCR, 0 to 100; null when no request is in progress.
alter table captions add column caption_ocr_progress integer;
