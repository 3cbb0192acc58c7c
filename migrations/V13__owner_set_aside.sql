-- A draft or an upload its owner deleted from their lists. The row and its files stay: a createBounty or submit
-- transaction the owner already sent may still be mined, and the indexer must then find the salt or the model.
ALTER TABLE bounty ADD COLUMN deleted_at TIMESTAMPTZ;
ALTER TABLE submission ADD COLUMN deleted_at TIMESTAMPTZ;
