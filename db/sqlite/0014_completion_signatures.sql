-- The completion callback's replay memory, shared by every instance: the signature of the callback that recorded a
-- decision's completion is kept with it, so the same signed callback sent again (to this or any other instance) is
-- refused as a replay. A signature covers the timestamp, rollout and decision, so it can belong to one decision only.
ALTER TABLE decisions ADD COLUMN completion_signature TEXT;
CREATE UNIQUE INDEX decisions_completion_signature ON decisions (completion_signature);
