-- "Keep caps through 25%, unlock at 50%" (issue 16): the advance that leaves the caps' last phase asks the deploy
-- system to lift them; the time it acknowledged the lift is kept on that advance decision. The caps show lifted (and
-- stop being enforced) only from then on: until a deploy system has said so, the lift is pending.
ALTER TABLE decisions ADD COLUMN caps_lifted_at_ms INTEGER;
