-- Outbox payloads are typed messages (bot.alerts.messages) told apart by their
-- `kind` field. Rows written before carried their kind only in the outbox's own
-- column (an alert's level, or 'feed_down', 'digest', 'weekly'), their fields
-- already as the messages name them: give them the field, so that the one
-- reader of today reads them too. Anything else is left as it is (the sender
-- drops what it cannot read).

UPDATE outbox
SET payload = json_set(
    payload,
    '$.kind',
    CASE WHEN kind IN ('warning', 'danger', 'liquidated') THEN 'alert' ELSE kind END
)
WHERE kind IN ('warning', 'danger', 'liquidated', 'feed_down', 'digest', 'weekly')
    AND json_type(payload) = 'object'
    AND json_type(payload, '$.kind') IS NULL;
