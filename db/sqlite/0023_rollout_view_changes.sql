-- What a dashboard shows beside the verdict (checklists, roster, phase summaries, #ship-room posts, postmortem and
-- win note, page updates, post-success steps) changes only when someone acts or a post is sent, yet every poll read it
-- all again: seven statements of a steady poll's twenty (issue 21). Every write to those tables, whoever makes it and on
-- whichever instance, adds a row here; a rollout's count of rows is its view version, and a snapshot reads the panels
-- again only when that count has moved. A count, not the highest id: ids are handed out before commit, so a later id
-- can be seen before an earlier one; the count grows with every commit, in any order. It is a version only while a live
-- rollout's rows are never deleted (prune finished rollouts' rows only, if ever) and while triggers fire: a TRUNCATE,
-- a session with triggers off (session_replication_role = replica, a restore with --disable-triggers) or a database
-- restored under a running instance is not seen; restart the instances after such work.
CREATE TABLE rollout_view_changes (
    id          INTEGER PRIMARY KEY,
    rollout_id  INTEGER NOT NULL
);
CREATE INDEX ix_rollout_view_changes_rollout ON rollout_view_changes (rollout_id);

CREATE TRIGGER checklist_items_view_insert AFTER INSERT ON checklist_items
BEGIN
    INSERT INTO rollout_view_changes (rollout_id) VALUES (NEW.rollout_id);
END;

CREATE TRIGGER checklist_items_view_update AFTER UPDATE ON checklist_items
BEGIN
    INSERT INTO rollout_view_changes (rollout_id) VALUES (NEW.rollout_id);
END;

CREATE TRIGGER checklist_items_view_delete AFTER DELETE ON checklist_items
BEGIN
    INSERT INTO rollout_view_changes (rollout_id) VALUES (OLD.rollout_id);
END;

CREATE TRIGGER checklist_ticks_view_insert AFTER INSERT ON checklist_ticks
BEGIN
    INSERT INTO rollout_view_changes (rollout_id) VALUES (NEW.rollout_id);
END;

CREATE TRIGGER checklist_ticks_view_update AFTER UPDATE ON checklist_ticks
BEGIN
    INSERT INTO rollout_view_changes (rollout_id) VALUES (NEW.rollout_id);
END;

CREATE TRIGGER checklist_ticks_view_delete AFTER DELETE ON checklist_ticks
BEGIN
    INSERT INTO rollout_view_changes (rollout_id) VALUES (OLD.rollout_id);
END;

CREATE TRIGGER roster_entries_view_insert AFTER INSERT ON roster_entries
BEGIN
    INSERT INTO rollout_view_changes (rollout_id) VALUES (NEW.rollout_id);
END;

CREATE TRIGGER roster_entries_view_update AFTER UPDATE ON roster_entries
BEGIN
    INSERT INTO rollout_view_changes (rollout_id) VALUES (NEW.rollout_id);
END;

CREATE TRIGGER roster_entries_view_delete AFTER DELETE ON roster_entries
BEGIN
    INSERT INTO rollout_view_changes (rollout_id) VALUES (OLD.rollout_id);
END;

CREATE TRIGGER phase_summaries_view_insert AFTER INSERT ON phase_summaries
BEGIN
    INSERT INTO rollout_view_changes (rollout_id) VALUES (NEW.rollout_id);
END;

CREATE TRIGGER phase_summaries_view_update AFTER UPDATE ON phase_summaries
BEGIN
    INSERT INTO rollout_view_changes (rollout_id) VALUES (NEW.rollout_id);
END;

CREATE TRIGGER phase_summaries_view_delete AFTER DELETE ON phase_summaries
BEGIN
    INSERT INTO rollout_view_changes (rollout_id) VALUES (OLD.rollout_id);
END;

CREATE TRIGGER notifications_view_insert AFTER INSERT ON notifications WHEN NEW.rollout_id IS NOT NULL
BEGIN
    INSERT INTO rollout_view_changes (rollout_id) VALUES (NEW.rollout_id);
END;

CREATE TRIGGER notifications_view_update AFTER UPDATE ON notifications WHEN NEW.rollout_id IS NOT NULL
BEGIN
    INSERT INTO rollout_view_changes (rollout_id) VALUES (NEW.rollout_id);
END;

CREATE TRIGGER notifications_view_delete AFTER DELETE ON notifications WHEN OLD.rollout_id IS NOT NULL
BEGIN
    INSERT INTO rollout_view_changes (rollout_id) VALUES (OLD.rollout_id);
END;

CREATE TRIGGER postmortems_view_insert AFTER INSERT ON postmortems
BEGIN
    INSERT INTO rollout_view_changes (rollout_id) VALUES (NEW.rollout_id);
END;

CREATE TRIGGER postmortems_view_update AFTER UPDATE ON postmortems
BEGIN
    INSERT INTO rollout_view_changes (rollout_id) VALUES (NEW.rollout_id);
END;

CREATE TRIGGER postmortems_view_delete AFTER DELETE ON postmortems
BEGIN
    INSERT INTO rollout_view_changes (rollout_id) VALUES (OLD.rollout_id);
END;

CREATE TRIGGER page_updates_view_insert AFTER INSERT ON page_updates
BEGIN
    INSERT INTO rollout_view_changes (rollout_id) VALUES (NEW.rollout_id);
END;

CREATE TRIGGER page_updates_view_update AFTER UPDATE ON page_updates
BEGIN
    INSERT INTO rollout_view_changes (rollout_id) VALUES (NEW.rollout_id);
END;

CREATE TRIGGER page_updates_view_delete AFTER DELETE ON page_updates
BEGIN
    INSERT INTO rollout_view_changes (rollout_id) VALUES (OLD.rollout_id);
END;

CREATE TRIGGER post_success_actions_view_insert AFTER INSERT ON post_success_actions
BEGIN
    INSERT INTO rollout_view_changes (rollout_id) VALUES (NEW.rollout_id);
END;

CREATE TRIGGER post_success_actions_view_update AFTER UPDATE ON post_success_actions
BEGIN
    INSERT INTO rollout_view_changes (rollout_id) VALUES (NEW.rollout_id);
END;

CREATE TRIGGER post_success_actions_view_delete AFTER DELETE ON post_success_actions
BEGIN
    INSERT INTO rollout_view_changes (rollout_id) VALUES (OLD.rollout_id);
END;
