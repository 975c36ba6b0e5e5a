-- Inbound mail's bytes live in pack files beside the database (see src/store/packs.rs):
-- such a blob's row says where (pack, pack_offset) and its data is empty.
ALTER TABLE blobs ADD COLUMN pack TEXT;
ALTER TABLE blobs ADD COLUMN pack_offset INTEGER;
