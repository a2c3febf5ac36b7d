-- As migrations/sqlite/0005: how to reach the organising committee, named by
-- the privacy notice as the controller of participants' personal data.

ALTER TABLE contests ADD COLUMN contact_address TEXT NOT NULL DEFAULT '';
ALTER TABLE contests ADD COLUMN contact_phone TEXT NOT NULL DEFAULT '';
ALTER TABLE contests ADD COLUMN contact_email TEXT NOT NULL DEFAULT '';
