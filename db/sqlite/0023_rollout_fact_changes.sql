-- What is read about a rollout besides its own row and its samples changes only when someone acts, a command is
-- carried out or a post is sent: its phases and decisions (which the judge reads) and what its dashboard shows beside
-- the verdict (checklists, roster, phase summaries, #ship-room posts, postmortem and win note, page updates,
-- post-success steps). Yet every poll read it all again: eight statements of a steady poll's twenty (issue 21). Every
-- write to those tables, whoever makes it and on whichever instance, adds a row here; a rollout's count of rows is its
-- fact version, and a poll reads them again only when that count has moved. A count, not the highest id: ids are handed
-- out before commit, so a later id can be seen before an earlier one; the count grows with every commit, in any order.
-- It is a version only while a live rollout's rows are never deleted (prune finished rollouts' rows only, if ever) and
-- while the triggers are there: a database file replaced or restored under the running instance, or a tool that drops
-- the triggers, is not seen; restart ShipRoom after such work.
CREATE TABLE rollout_fact_changes (
    id          INTEGER PRIMARY KEY,
    rollout_id  INTEGER NOT NULL
);
CREATE INDEX ix_rollout_fact_changes_rollout ON rollout_fact_changes (rollout_id);

CREATE TRIGGER checklist_items_fact_insert AFTER INSERT ON checklist_items
BEGIN
    INSERT INTO rollout_fact_changes (rollout_id) VALUES (NEW.rollout_id);
END;

CREATE TRIGGER checklist_items_fact_update AFTER UPDATE ON checklist_items
BEGIN
    INSERT INTO rollout_fact_changes (rollout_id) VALUES (NEW.rollout_id);
END;

CREATE TRIGGER checklist_items_fact_delete AFTER DELETE ON checklist_items
BEGIN
    INSERT INTO rollout_fact_changes (rollout_id) VALUES (OLD.rollout_id);
END;

CREATE TRIGGER checklist_ticks_fact_insert AFTER INSERT ON checklist_ticks
BEGIN
    INSERT INTO rollout_fact_changes (rollout_id) VALUES (NEW.rollout_id);
END;

CREATE TRIGGER checklist_ticks_fact_update AFTER UPDATE ON checklist_ticks
BEGIN
    INSERT INTO rollout_fact_changes (rollout_id) VALUES (NEW.rollout_id);
END;

CREATE TRIGGER checklist_ticks_fact_delete AFTER DELETE ON checklist_ticks
BEGIN
    INSERT INTO rollout_fact_changes (rollout_id) VALUES (OLD.rollout_id);
END;

CREATE TRIGGER roster_entries_fact_insert AFTER INSERT ON roster_entries
BEGIN
    INSERT INTO rollout_fact_changes (rollout_id) VALUES (NEW.rollout_id);
END;

CREATE TRIGGER roster_entries_fact_update AFTER UPDATE ON roster_entries
BEGIN
    INSERT INTO rollout_fact_changes (rollout_id) VALUES (NEW.rollout_id);
END;

CREATE TRIGGER roster_entries_fact_delete AFTER DELETE ON roster_entries
BEGIN
    INSERT INTO rollout_fact_changes (rollout_id) VALUES (OLD.rollout_id);
END;

CREATE TRIGGER phase_summaries_fact_insert AFTER INSERT ON phase_summaries
BEGIN
    INSERT INTO rollout_fact_changes (rollout_id) VALUES (NEW.rollout_id);
END;

CREATE TRIGGER phase_summaries_fact_update AFTER UPDATE ON phase_summaries
BEGIN
    INSERT INTO rollout_fact_changes (rollout_id) VALUES (NEW.rollout_id);
END;

CREATE TRIGGER phase_summaries_fact_delete AFTER DELETE ON phase_summaries
BEGIN
    INSERT INTO rollout_fact_changes (rollout_id) VALUES (OLD.rollout_id);
END;

CREATE TRIGGER notifications_fact_insert AFTER INSERT ON notifications WHEN NEW.rollout_id IS NOT NULL
BEGIN
    INSERT INTO rollout_fact_changes (rollout_id) VALUES (NEW.rollout_id);
END;

CREATE TRIGGER notifications_fact_update AFTER UPDATE ON notifications WHEN NEW.rollout_id IS NOT NULL
BEGIN
    INSERT INTO rollout_fact_changes (rollout_id) VALUES (NEW.rollout_id);
END;

CREATE TRIGGER notifications_fact_delete AFTER DELETE ON notifications WHEN OLD.rollout_id IS NOT NULL
BEGIN
    INSERT INTO rollout_fact_changes (rollout_id) VALUES (OLD.rollout_id);
END;

CREATE TRIGGER postmortems_fact_insert AFTER INSERT ON postmortems
BEGIN
    INSERT INTO rollout_fact_changes (rollout_id) VALUES (NEW.rollout_id);
END;

CREATE TRIGGER postmortems_fact_update AFTER UPDATE ON postmortems
BEGIN
    INSERT INTO rollout_fact_changes (rollout_id) VALUES (NEW.rollout_id);
END;

CREATE TRIGGER postmortems_fact_delete AFTER DELETE ON postmortems
BEGIN
    INSERT INTO rollout_fact_changes (rollout_id) VALUES (OLD.rollout_id);
END;

CREATE TRIGGER page_updates_fact_insert AFTER INSERT ON page_updates
BEGIN
    INSERT INTO rollout_fact_changes (rollout_id) VALUES (NEW.rollout_id);
END;

CREATE TRIGGER page_updates_fact_update AFTER UPDATE ON page_updates
BEGIN
    INSERT INTO rollout_fact_changes (rollout_id) VALUES (NEW.rollout_id);
END;

CREATE TRIGGER page_updates_fact_delete AFTER DELETE ON page_updates
BEGIN
    INSERT INTO rollout_fact_changes (rollout_id) VALUES (OLD.rollout_id);
END;

CREATE TRIGGER post_success_actions_fact_insert AFTER INSERT ON post_success_actions
BEGIN
    INSERT INTO rollout_fact_changes (rollout_id) VALUES (NEW.rollout_id);
END;

CREATE TRIGGER post_success_actions_fact_update AFTER UPDATE ON post_success_actions
BEGIN
    INSERT INTO rollout_fact_changes (rollout_id) VALUES (NEW.rollout_id);
END;

CREATE TRIGGER post_success_actions_fact_delete AFTER DELETE ON post_success_actions
BEGIN
    INSERT INTO rollout_fact_changes (rollout_id) VALUES (OLD.rollout_id);
END;

CREATE TRIGGER rollout_phases_fact_insert AFTER INSERT ON rollout_phases
BEGIN
    INSERT INTO rollout_fact_changes (rollout_id) VALUES (NEW.rollout_id);
END;

CREATE TRIGGER rollout_phases_fact_update AFTER UPDATE ON rollout_phases
BEGIN
    INSERT INTO rollout_fact_changes (rollout_id) VALUES (NEW.rollout_id);
END;

CREATE TRIGGER rollout_phases_fact_delete AFTER DELETE ON rollout_phases
BEGIN
    INSERT INTO rollout_fact_changes (rollout_id) VALUES (OLD.rollout_id);
END;

CREATE TRIGGER decisions_fact_insert AFTER INSERT ON decisions
BEGIN
    INSERT INTO rollout_fact_changes (rollout_id) VALUES (NEW.rollout_id);
END;

CREATE TRIGGER decisions_fact_update AFTER UPDATE ON decisions
BEGIN
    INSERT INTO rollout_fact_changes (rollout_id) VALUES (NEW.rollout_id);
END;

CREATE TRIGGER decisions_fact_delete AFTER DELETE ON decisions
BEGIN
    INSERT INTO rollout_fact_changes (rollout_id) VALUES (OLD.rollout_id);
END;
