from odoo import _, api, models


class LogisticsExchangeHandler(models.AbstractModel):
    """What the outcome of an exchange means, for one exchange type.

    An exchange type names its handler model; the outbox calls it, never the
    record the message is about. An addon adding a flow ships its own handler
    (``_inherit`` this model under a new ``_name``) and an exchange type
    template naming it. This base handler suits documents nobody in Odoo waits
    for: a success changes nothing, a failure is an activity for the type's
    owner on the message.
    """

    _name = "logistics.exchange.handler"
    _description = "Exchange Handler"

    @api.model
    def _on_success(self, message, response_json):
        """The other side took ``message``; ``response_json`` is its parsed answer (a dict)."""
        return True

    @api.model
    def _on_failure(self, message, error):
        """``message`` failed for good with ``error``: a person must act."""
        assignee = message.exchange_type_id._get_failure_assignee(message)
        message.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            summary=_(
                "%(endpoint)s refused %(exchange_type)s",
                endpoint=message.endpoint_id.name,
                exchange_type=message.exchange_type_code,
            ),
            note=_(
                "Message %(key)s failed: %(error)s",
                key=message.idempotency_key,
                error=error,
            ),
            user_id=assignee.id,
        )
        return True

    @api.model
    def _conflict_is_success(self, message, body):
        """Whether a 409 answer ``body`` (a dict) says the other side already holds it."""
        return body.get("error") in ("already_exists", "duplicate")
