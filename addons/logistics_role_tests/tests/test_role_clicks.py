import logging
from collections import Counter
from contextlib import closing

from lxml import etree

from odoo.api import call_kw
from odoo.exceptions import AccessError, RedirectWarning, UserError, ValidationError
from odoo.service.model import get_public_method
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval
from odoo.tools.view_validation import get_expression_field_names

from odoo.addons.web.controllers.utils import clean_action

from .common import (
    FREIGHT_AUDITOR,
    INTEGRATION_ADMIN,
    LOGISTICS_MANAGER,
    LOGISTICS_USER,
    RoleStoryCase,
    new_role_user,
    shown_logistics_menus,
)

_logger = logging.getLogger(__name__)

# What a click may legitimately answer: a message to the user, not a crash.
BUSINESS_ANSWERS = (UserError, ValidationError, RedirectWarning)
# The records of each list opened, as a user opens the first lines.
RECORDS_PER_LIST = 3
# A menu's action is depth 0; an action a button opens is one deeper. Buttons are
# pressed down to the forms a button opened (wizards), not in the forms those open.
BUTTON_DEPTH = 2
# The web client's page sizes.
LIST_LIMIT = 80
X2MANY_LIMIT = 40
READ_VIEW_TYPES = ("list", "kanban", "calendar")
GROUPED_VIEW_TYPES = ("pivot", "graph")


def own_nodes(node, tag):
    """The ``tag`` descendants of ``node`` outside the sub-views of its x2many fields."""
    for child in node.iterchildren(tag=etree.Element):
        if child.tag == tag:
            yield child
        if child.tag != "field":
            yield from own_nodes(child, tag)


def is_logistics_model(model):
    """Whether a Logistics addon defines ``model``. The screens of other apps that a
    Logistics screen leads to are opened (their views load for the role), not read
    or clicked through: what they show is their own app's concern."""
    return model._original_module.startswith("logistics_")


class ClickWalk:
    """What a user clicks in the Logistics app, done through the calls the web client
    makes, as ``env``'s user: each window action's views, its list, its first records' form,
    the object buttons that form shows them (each pressed in a savepoint rolled back)
    and the actions those buttons and the form's action buttons open.

    A click that crashes (an AccessError included, or any error but a message to the
    user) is recorded in ``failures``. Pressing a button is rolled back, and the test
    case lets requests reach only a loopback port where no partner system listens,
    and no e-mail leaves a test: so every button is pressed, none is left out as
    unsafe."""

    def __init__(self, env):
        self.env = env
        self.failures = []
        self.counts = Counter()
        self._walked_actions = set()
        self._read_forms = set()
        self._pressed = set()

    # Actions

    def walk_action(self, action, where, depth=0, active=None):
        """Open the window action ``action`` (a dict as the web client loads it), on
        the ``active`` record (a form's) if any."""
        if action.get("type") != "ir.actions.act_window" or not action.get("res_model"):
            return
        active_values = (
            {"active_id": active.id, "active_ids": active.ids, "active_model": active._name}
            if active
            else {}
        )
        context = {**active_values, **(self._eval(action.get("context"), active_values) or {})}
        domain = self._eval(action.get("domain"), active_values) or []
        views = [[view_id, view_type] for view_id, view_type in action.get("views") or []]
        key = (action["res_model"], repr(views), repr(domain), action.get("res_id"))
        if key in self._walked_actions:
            return
        self._walked_actions.add(key)
        self.counts["actions"] += 1
        where = f"{where} [{action['res_model']}]"
        model = self.env[action["res_model"]].with_context(**context)
        loaded = self._try(where, "get_views", model.get_views, [*views, [False, "search"]])
        if loaded is None:
            return
        archs = {
            view_type: etree.fromstring(view["arch"])
            for view_type, view in loaded["views"].items()
            if view_type != "search"
        }
        self.counts["views"] += len(archs)
        if depth and not is_logistics_model(model):
            return
        ids = self._read_views(model, domain, archs, where)
        if action.get("res_id"):
            ids = [action["res_id"]]
        if "form" in archs:
            self._open_form(model, archs["form"], ids, where, depth)

    def _read_views(self, model, domain, archs, where):
        """Read each view of ``archs`` as the web client fills it; the ids of the first
        records of the list (or kanban) view."""
        ids = None
        for view_type in READ_VIEW_TYPES:
            if view_type not in archs:
                continue
            arch = archs[view_type]
            spec = self._spec(model, arch)
            for attribute in ("date_start", "date_stop", "date_delay", "all_day", "color"):
                if view_type == "calendar" and arch.get(attribute):
                    spec[arch.get(attribute)] = {}
            result = self._try(
                f"{where} {view_type}",
                "web_search_read",
                model.web_search_read,
                domain,
                spec,
                limit=LIST_LIMIT,
            )
            if result is not None and ids is None:
                ids = [record["id"] for record in result["records"][:RECORDS_PER_LIST]]
        for view_type in GROUPED_VIEW_TYPES:
            if view_type in archs:
                self._read_grouped(model, domain, archs[view_type], f"{where} {view_type}")
        if "activity" in archs:
            self._try(
                f"{where} activity",
                "get_activity_data",
                self.env["mail.activity"].get_activity_data,
                model._name,
                domain,
            )
        return ids or []

    def _read_grouped(self, model, domain, arch, where):
        measures, groupby = ["__count"], []
        for node in arch.iter("field"):
            field = model._fields.get(node.get("name"))
            if field is None:
                continue
            if node.get("type") == "measure":
                measures.append(f"{field.name}:{field.aggregator or 'sum'}")
            elif not groupby:
                groupby.append(field.name)
        self._try(where, "web_read_group", model.web_read_group, domain, measures, groupby)

    # Forms and buttons

    def _open_form(self, model, arch, ids, where, depth):
        spec = self._spec(model, arch)
        if not ids and model._transient:
            # A wizard may answer the record it is opened on with a message, as a
            # button may.
            self._try(f"{where} form", "onchange", model.onchange, {}, [], spec, answers=True)
        for record_id in ids:
            key = (model._name, etree.tostring(arch), record_id)
            if key in self._read_forms:
                continue
            self._read_forms.add(key)
            record = model.browse(record_id)
            here = f"{where} form #{record_id}"
            values = self._try(here, "web_read", record.web_read, spec)
            if values is None:
                continue
            self.counts["records"] += 1
            if depth < BUTTON_DEPTH:
                self._press_buttons(record, arch, here, depth)
                self._follow_links(record, arch, values[0], here, depth)
        if depth >= BUTTON_DEPTH:
            return
        # A settings form shows the app its action opens it on.
        app = model.env.context.get("module")
        scope = next((node for node in arch.iter("app") if node.get("name") == app), arch)
        self._open_action_buttons(model.browse(ids[:1]), scope, where, depth)

    def _press_buttons(self, record, arch, where, depth):
        for button in own_nodes(arch, "button"):
            name = button.get("name")
            if button.get("type") != "object" or self._is_hidden(record, button):
                continue
            key = (record._name, name, record.id)
            if key in self._pressed:
                continue
            self._pressed.add(key)
            self.counts["buttons"] += 1
            values = self._values(record, button, "context")
            context = self._eval(button.get("context") or {}, values) or {}
            self._press(record.with_context(**context), name, f"{where} button {name}", depth)

    def _follow_links(self, record, arch, values, where, depth):
        """Open the form of each many2one the form shows ``record`` with a link."""
        for node in own_nodes(arch, "field"):
            name = node.get("name")
            field = record._fields.get(name)
            if (
                field is None
                or field.type != "many2one"
                or not values.get(name)
                or (self._eval(node.get("options"), {}) or {}).get("no_open")
                or self._is_hidden(record, node)
            ):
                continue
            self.counts["links"] += 1
            here = f"{where} link {name}"
            target = self.env[field.comodel_name].browse(values[name]["id"])
            action = self._try(here, "get_formview_action", target.get_formview_action)
            if action:
                self.walk_action(clean_action(action, self.env), here, depth + 1)

    def _press(self, record, name, where, depth):
        """Press ``name`` on ``record`` as the web client's call_button does, in a
        savepoint rolled back; follow the window action it answers."""
        with closing(self.env.cr.savepoint()):
            try:
                get_public_method(record, name)
                result = call_kw(record.browse(), name, [record.ids], {})
                self.env.flush_all()
            except AccessError as error:
                self._fail(where, error)
                return
            except BUSINESS_ANSWERS:
                self.counts["business answers"] += 1
                return
            except Exception as error:  # noqa: BLE001 - any crash is what the walk reports
                self._fail(where, error)
                return
            if isinstance(result, dict):
                self.walk_action(clean_action(result, self.env), where, depth + 1)

    def walk_settings_app(self, app_name, viewer):
        """Open the actions of the buttons of the settings app ``app_name`` that
        ``viewer`` (the user made a settings administrator) is shown."""
        views = self.env["res.config.settings"].with_user(viewer).get_views([[False, "form"]])
        for app in etree.fromstring(views["views"]["form"]["arch"]).iter("app"):
            if app.get("name") == app_name:
                where = f"Settings / {app.get('string')}"
                self._open_action_buttons(self.env["res.config.settings"], app, where, depth=0)

    def _open_action_buttons(self, record, arch, where, depth):
        """Open the actions of ``arch``'s action buttons on ``record`` (none on a new
        one)."""
        for button in own_nodes(arch, "button"):
            if button.get("type") != "action" or (record and self._is_hidden(record, button)):
                continue
            self.counts["action buttons"] += 1
            here = f"{where} button {button.get('name')}"
            action = self._try(here, "action load", self.load_action, int(button.get("name")))
            if action:
                self.walk_action(action, here, depth + 1, active=record)

    def load_action(self, action_id):
        """The action ``action_id`` as /web/action/load answers it to the user."""
        action_type = self.env["ir.actions.actions"].sudo().browse(action_id).type
        action = self.env[action_type].sudo().browse(action_id)
        if action_type == "ir.actions.act_window":
            return clean_action(action._get_action_dict(), self.env)
        return clean_action(action.read()[0], self.env)

    def _is_hidden(self, record, node):
        """Whether ``node``'s invisible condition hides it on ``record``; a condition
        the walk cannot evaluate shows it."""
        condition = node.get("invisible")
        if not condition:
            return False
        values = self._values(record, node, "invisible")
        try:
            return bool(safe_eval(condition, values))
        except Exception:  # noqa: BLE001 - a condition on a parent or a widget's value
            return False

    def _values(self, record, node, attribute):
        """The values the web client evaluates ``node``'s ``attribute`` with."""
        names = [
            name
            for name in get_expression_field_names(node.get(attribute) or "")
            if name in record._fields
        ]
        values = {"context": dict(self.env.context), "uid": self.env.uid, "id": record.id}
        for name, value in record.sudo().read(names)[0].items() if names else ():
            values[name] = value[0] if isinstance(value, tuple) else value
        return values

    # Specs and evaluation

    def _spec(self, model, arch):
        """The field specification the web client builds from ``arch``."""
        spec = {}
        for node in own_nodes(arch, "field"):
            field = model._fields.get(node.get("name"))
            if field is None:
                continue
            if field.type == "many2one":
                spec[field.name] = {"fields": {"display_name": {}}}
            elif field.type in ("one2many", "many2many"):
                sub_arch = next(node.iterchildren("list", "kanban"), None)
                comodel = model.env[field.comodel_name]
                sub_fields = self._spec(comodel, sub_arch) if sub_arch is not None else {}
                spec[field.name] = {
                    "fields": sub_fields or {"display_name": {}},
                    "limit": X2MANY_LIMIT,
                }
            else:
                spec[field.name] = {}
        return spec

    def _eval(self, expression, values):
        """``expression`` evaluated with ``values``; None where it needs others."""
        if not isinstance(expression, str):
            return expression
        try:
            return safe_eval(
                expression,
                {"uid": self.env.uid, "context": dict(self.env.context), **values},
            )
        except Exception:  # noqa: BLE001 - an expression on a value the walk has not
            return None

    def _try(self, where, call, method, *args, answers=False, **kwargs):
        """``method``'s result, or None where it crashed (or answered a message to the
        user, unless ``answers`` are expected of it)."""
        try:
            with self.env.cr.savepoint():
                return method(*args, **kwargs)
        except BUSINESS_ANSWERS as error:
            if answers and not isinstance(error, AccessError):
                self.counts["business answers"] += 1
            else:
                self._fail(f"{where} {call}", error)
            return None
        except Exception as error:  # noqa: BLE001 - any crash is what the walk reports
            self._fail(f"{where} {call}", error)
            return None

    def _fail(self, where, error):
        self.failures.append(f"{where}: {type(error).__name__}: {error}")


@tagged("post_install", "-at_install")
class TestRoleClicks(RoleStoryCase):
    """Each role clicks through what the Logistics app shows it over one order's
    story: every screen opens, every button it is shown answers."""

    def _click_through(self, login, groups):
        user = new_role_user(self.env, login, groups, self.company)
        walk = ClickWalk(self.env(user=user))
        for path, action in shown_logistics_menus(user):
            _model, action_id = action.split(",")
            walk.walk_action(walk.load_action(int(action_id)), path)
        # Only settings administrators open Settings; the Logistics app there shows
        # a role the screens it configures, which it opens as itself.
        settings_administrator = new_role_user(
            self.env, f"{login}_settings", f"{groups},base.group_system", self.company
        )
        walk.walk_settings_app("logistics_integration", settings_administrator)
        _logger.info("%s clicked through %s", login, dict(walk.counts))
        self.assertFalse(walk.failures, "\n".join(["Clicks that crashed:", *walk.failures]))
        self.assertTrue(walk.counts["buttons"], "the role is shown buttons to press")

    def test_logistics_user_clicks_through(self):
        self._click_through("click_user", LOGISTICS_USER)

    def test_logistics_manager_clicks_through(self):
        self._click_through("click_manager", LOGISTICS_MANAGER)

    def test_freight_auditor_clicks_through(self):
        self._click_through("click_auditor", FREIGHT_AUDITOR)

    def test_integration_administrator_clicks_through(self):
        self._click_through("click_integration_admin", INTEGRATION_ADMIN)
