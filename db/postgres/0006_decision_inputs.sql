-- What a decision gives the engine, as columns instead of text in detail: the phase an approval lets the rollout
-- leave and the role it was signed in, and the time on the rollout's clock a resume took effect. Decisions recorded before carry them in detail
-- ("phase=N", "at=ISO"); they are copied over once.
ALTER TABLE decisions ADD COLUMN approved_phase_index INTEGER;
ALTER TABLE decisions ADD COLUMN approved_role TEXT;
ALTER TABLE decisions ADD COLUMN resumed_at_ms BIGINT;

UPDATE decisions SET approved_phase_index = CAST(substr(detail, 7) AS INTEGER), approved_role = 'ExecutiveApprover'
WHERE kind = 'approve' AND detail ~ '^phase=[0-9]+$';

UPDATE decisions SET resumed_at_ms = CAST(EXTRACT(EPOCH FROM CAST(substr(detail, 4) AS timestamptz)) * 1000 AS BIGINT)
WHERE kind = 'resume' AND detail ~ '^at=[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+([+-][0-9]{2}:[0-9]{2}|Z)$';
