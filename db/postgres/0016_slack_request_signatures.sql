-- Slack interaction replay memory, shared by every instance (issue 17): the signature of each accepted Slack request
-- is stored once (the primary key refuses a second insert), so the same signed click sent again to this or any other
-- instance is refused as a replay. A signature covers the timestamp, which must be within 5 minutes of now, so rows
-- older than twice that window can refuse nothing and are pruned as new requests arrive.
CREATE TABLE slack_request_signatures (
    signature       TEXT   NOT NULL PRIMARY KEY,
    received_at_ms  BIGINT NOT NULL
);
CREATE INDEX slack_request_signatures_received ON slack_request_signatures (received_at_ms);
