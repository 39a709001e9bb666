from odoo import models

# Set on a many2one's node in the cached arch: the model its link opens, checked
# against each user's access rights when the arch is served to them.
LINK_MODEL_ATTRIBUTE = "logistics_link_model"


class IrUiView(models.Model):
    _inherit = "ir.ui.view"

    def _postprocess_tag_field(self, node, name_manager, node_info):
        result = super()._postprocess_tag_field(node, name_manager, node_info)
        field = name_manager.model._fields.get(node.get("name") or "")
        if field is not None and field.type == "many2one":
            node.set(LINK_MODEL_ATTRIBUTE, field.comodel_name)
        return result

    def _postprocess_access_rights(self, tree):
        """A many2one does not link to the record's form for a user who may not read
        its model: following the link could only end in an access error."""
        tree = super()._postprocess_access_rights(tree)
        for node in tree.xpath(f"//*[@{LINK_MODEL_ATTRIBUTE}]"):
            model_name = node.attrib.pop(LINK_MODEL_ATTRIBUTE)
            if not self.env[model_name].has_access("read"):
                node.set("options", self._options_without_link(node.get("options")))
        return tree

    def _options_without_link(self, options):
        """``options`` (a field node's, as written in the arch) with ``no_open`` set."""
        entries = (options or "").strip()[1:-1].strip()
        if "no_open" in entries:
            return options
        no_open = "'no_open': True"
        return "{" + (f"{no_open}, {entries}" if entries else no_open) + "}"
