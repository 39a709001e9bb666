from odoo.tests import new_test_user


def new_role_user(env, login, groups, companies):
    """A new internal user of ``groups`` (comma-separated XML ids) in ``companies``, the
    first its own, whose password is its login; no onboarding tips over the screens."""
    user = new_test_user(
        env,
        login=login,
        groups=f"base.group_user,{groups}",
        company_id=companies[:1].id,
        company_ids=[(6, 0, companies.ids)],
    )
    user.tour_enabled = False
    return user
