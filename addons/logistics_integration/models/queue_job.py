from odoo import models


class QueueJob(models.Model):
    _inherit = "queue.job"

    def _related_action_logistics_record(self):
        """Related action of outbound jobs: open the business record the message is about.

        Declared on the job functions in XML (``related_action``); falls back to
        the outbound message itself when the business record is gone.
        """
        self.ensure_one()
        messages = self.records.exists()
        if len(messages) != 1 or messages._name != "logistics.outbound.message":
            return self.related_action_open_record()
        return messages._related_action_open_record()
