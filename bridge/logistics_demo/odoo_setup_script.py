# Configures the demo database. Run by `odoo shell`, which provides `env`, with
# its settings in $LGX_DEMO_SETTINGS; reports on one line starting LGX_DEMO_RESULT.
import json
import os

settings = json.loads(os.environ["LGX_DEMO_SETTINGS"])
company = env.company

endpoint = env.ref("logistics_integration.endpoint_demo_tms")
endpoint.write(
    {
        "base_url": settings["tms_url"],
        "auth_scheme": "api_key",
        "api_key_header": "X-API-Key",
        "auth_secret": settings["tms_api_key"],
        "environment": "test",
        "max_retries": 10,
        "retry_pattern": "1:2,3:5,6:15",
    }
)
company.write(
    {"logistics_tms_endpoint_id": endpoint.id, "logistics_tms_export_trigger": "allocation"}
)

# The endpoint's inbound side, which the bridge runs from Odoo's endpoint registry: the TMS
# signs its callbacks the Standard Webhooks way with a secret Odoo generates (shown once,
# handed to the TMS).
env["ir.config_parameter"].set_param("logistics_inbound.bridge_public_url", settings["bridge_url"])
endpoint.write(
    {
        "inbound_format": "tms-event",
        "auth_recipe_ids": [(0, 0, {"name": "TMS callbacks", "scheme": "standard-webhooks"})],
    }
)
secret_wizard = env["logistics.auth.secret.wizard"].create(
    {"recipe_id": endpoint.auth_recipe_ids.id, "source": "generate", "label": "Demo TMS"}
)
secret_wizard.action_confirm()
signing_secret = secret_wizard.value

# The bridge user and its key come from Settings > Logistics > Connect a bridge.
bridge_user, bridge_key = (
    env["logistics.bridge.connect"]
    .create({"login": "tms-bridge", "name": "TMS Bridge", "company_id": company.id})
    ._connect()
)

# A carrier rated by weight, 50 + 0.25 per kg: the TMS simulator bills the same.
freight_product = env["product.product"].create(
    {"name": "Road freight", "type": "service", "invoice_policy": "order", "list_price": 0}
)
rated_carrier = env["delivery.carrier"].create(
    {
        "name": "Demo Road Freight",
        "delivery_type": "base_on_rule",
        "product_id": freight_product.id,
        "price_rule_ids": [
            (
                0,
                0,
                {
                    "variable": "weight",
                    "operator": ">=",
                    "max_value": 0,
                    "list_base_price": 50,
                    "list_price": 0.25,
                    "variable_factor": "weight",
                },
            )
        ],
    }
)
carriers = rated_carrier
# Each with its public tracking page: the customer follows the TMS's tracking number there.
TRACKING_PAGES = {
    "DHL Freight": "https://www.dhl.com/global-en/home/tracking/tracking-freight.html"
    "?submit=1&tracking-id=<shipmenttrackingnumber>",
    "DSV Road": "https://www.dsv.com/en/tools/track-and-trace?reference=<shipmenttrackingnumber>",
    "Kuehne+Nagel Road": "https://mykn.kuehne-nagel.com/public-tracking/shipments"
    "?query=<shipmenttrackingnumber>",
}
for name, tracking_url in TRACKING_PAGES.items():
    carriers |= env["delivery.carrier"].create(
        {
            "name": name,
            "delivery_type": "fixed",
            "product_id": freight_product.id,
            "tracking_url": tracking_url,
        }
    )
# Each carrier bills its freight as a vendor of its own: settlement matches its bills.
for carrier in carriers:
    carrier.logistics_partner_id = env["res.partner"].create(
        {"name": carrier.name, "is_company": True, "supplier_rank": 1}
    )

product = env["product.product"].create(
    {
        "name": "Demo pallet",
        "default_code": "PALLET-80",
        "is_storable": True,
        "weight": 80.0,
        "invoice_policy": "order",
        "list_price": 450.0,
    }
)
warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 10000)

belgium = env.ref("base.be")
customers = env["res.partner"].create(
    [
        {
            "name": name,
            "is_company": True,
            "street": street,
            "city": city,
            "zip": zip_code,
            "country_id": belgium.id,
            "email": email,
            "phone": phone,
        }
        for name, street, city, zip_code, email, phone in (
            (
                "Brasserie Dupont",
                "Rue Basse 5",
                "Leuze",
                "7904",
                "orders@dupont.example",
                "+32 69 67 10 66",
            ),
            (
                "Gent Retail NV",
                "Veldstraat 12",
                "Gent",
                "9000",
                "inbound@gentretail.example",
                "+32 9 223 45 67",
            ),
            (
                "Liège Outillage",
                "Quai de Rome 40",
                "Liège",
                "4000",
                "logistique@outillage.example",
                "+32 4 252 11 22",
            ),
        )
    ]
)

# Rated by the TMS's quotes (logistics_delivery's demo delivery method), when installed.
quote_carrier = env.ref(
    "logistics_delivery.delivery_carrier_logistics_tms", raise_if_not_found=False
)

# Delivered by appointment (logistics_appointment), when installed: the customer who picks
# the window on the portal has a login there.
appointment_portal = None
if "appointment_state" in env["logistics.shipment"]._fields:
    appointment_portal = {"login": "gent-portal", "password": "gent-portal-demo"}
    env["res.users"].with_context(no_reset_password=True).create(
        {
            "name": customers[1].name,
            "partner_id": customers[1].id,
            "groups_id": [(6, 0, [env.ref("base.group_portal").id])],
            **appointment_portal,
        }
    )

# Partner isolation: a second company with a carrier endpoint of its own, served by the
# same bridge (its user works for both companies) and signing with a secret the demo holds.
# Its callbacks may only touch the second company's shipments.
second_company = env["res.company"].create(
    {"name": "Second Company", "currency_id": company.currency_id.id}
)
env.ref("base.user_admin").company_ids = [(4, second_company.id)]
bridge_user.company_ids = [(4, second_company.id)]
partner_endpoint = env["logistics.endpoint"].create(
    {
        "name": "Second Company Carrier",
        "code": "second_carrier",
        "kind": "carrier",
        "company_id": second_company.id,
        "environment": "test",
        "base_url": settings["tms_url"],
        "auth_scheme": "api_key",
        "api_key_header": "X-API-Key",
        "auth_secret": settings["tms_api_key"],
        "inbound_format": "tms-event",
        "auth_recipe_ids": [(0, 0, {"name": "Carrier callbacks", "scheme": "standard-webhooks"})],
    }
)
partner_wizard = env["logistics.auth.secret.wizard"].create(
    {"recipe_id": partner_endpoint.auth_recipe_ids.id, "source": "generate", "label": "Demo"}
)
partner_wizard.action_confirm()

env.cr.commit()
print(
    "LGX_DEMO_RESULT "
    + json.dumps(
        {
            "bridge_login": bridge_user.login,
            "bridge_api_key": bridge_key,
            "signing_secret": signing_secret,
            "product_id": product.id,
            "partner_ids": customers.ids,
            "carrier_id": rated_carrier.id,
            "quote_carrier_id": quote_carrier.id if quote_carrier else None,
            "appointment_customer_id": customers[1].id,
            "appointment_portal": appointment_portal,
            "currency": company.currency_id.name,
            "partner_endpoint": {
                "code": partner_endpoint.code,
                "company": second_company.name,
                "signing_secret": partner_wizard.value,
            },
        }
    )
)
