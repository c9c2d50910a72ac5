"""Administration: the database, users, policies and settings — all recorded in the admin chain."""

from __future__ import annotations

from claims.audit import ADMIN_CHAIN, seal
from claims.errors import BadInput, Conflict, Forbidden, NotFound
from claims.i18n import N_, _, listing, name
from claims.schema import HEAD
from claims.settings import Settings
from claims.storage import Tx, open_store
from claims.values import money, parse_amount, user_name
from workflows.clock import Clock, stamp
from workflows.guards import refused
from workflows.office import CLOCK_ONLY_IN_TRAINING, CURRENT_SETTINGS, TRAINING, Office, acting_name, parse_now, read_settings
from workflows.roles import ROLES
from workflows.views import masked

LIMITED_ROLES = ("handler", "senior")
HOUSE_RULE = N_("house rule")


def init(target: str, *, training: bool, settings_file: str | None, asked: str | None, now_text: str | None) -> dict:
    """Create the schema, put the settings in force, register the invoking user as admin — all or nothing."""
    settings = read_settings(settings_file)
    now = parse_now(now_text, settings)
    if now is not None and not training:
        raise Forbidden(_(CLOCK_ONLY_IN_TRAINING), rule="clock")
    store = open_store(target, create=True)
    name = acting_name(asked, store.login(), training)
    when = now or Clock().now()

    def initialise(tx: Tx) -> None:
        tx.set_meta(TRAINING, "1" if training else "0")
        tx.put_settings(settings)
        tx.set_meta(CURRENT_SETTINGS, settings.version)
        tx.put_user(name, "admin", None)
        admin = {"name": name, "role": "admin"}
        _admin_event(tx, admin, when, settings, "init", {"training": training, "settings": settings.as_dict()})
        _admin_event(tx, admin, when, settings, "user_add", {"user": name, "role": "admin", "limit": None})
        if not training:
            store.grant_role(tx, name, "admin")

    store.create(initialise)
    return {"ok": True, "training": training, "settings_version": settings.version, "admin": name}


def add_user(office: Office, name: str, role: str, limit: str | None) -> dict:
    """A new user only: an existing name is a conflict (exit 5) — roles change with `user role`, audited."""
    name, limit = user_name(name), _limit(role, limit)

    def work(tx: Tx) -> dict:
        admin = _admin_at_work(office, tx, "user")
        current = tx.user(name)
        if current is not None:
            raise Conflict(_("user {user} already exists ({role}); change a role or limit with `claims user role {user} --role …`").format(
                user=name, role=_role_text(current["role"], current["limit"])), rule="user_exists")
        tx.put_user(name, role, limit)
        _enforce_role(office, tx, name, role)
        _admin_event(tx, admin, office.now(tx), office.settings(tx), "user_add", {"user": name, "role": role, "limit": limit})
        return {"user": name, "role": role, "limit": limit}

    return office.store.transact(work)


def change_role(office: Office, name: str, role: str, limit: str | None) -> dict:
    """A registered user's new role or limit; the admin event records the previous ones."""
    name, limit = user_name(name), _limit(role, limit)

    def work(tx: Tx) -> dict:
        admin = _admin_at_work(office, tx, "user")
        current = tx.user(name)
        if current is None:
            raise NotFound(_("user {user!r} is not registered: add them with `claims user add`").format(user=name))
        _keep_an_admin(tx, current, role)
        tx.put_user(name, role, limit)
        _enforce_role(office, tx, name, role)
        payload = {"user": name, "role": role, "limit": limit, "previous_role": current["role"], "previous_limit": current["limit"]}
        _admin_event(tx, admin, office.now(tx), office.settings(tx), "user_role", payload)
        return {"user": name, "role": role, "limit": limit, "previous_role": current["role"], "previous_limit": current["limit"]}

    return office.store.transact(work)


def list_users(office: Office) -> list[dict]:
    with office.store.read() as tx:
        office.authorized_user(tx, "user list")
        return [{"user": name, "role": role, "limit": limit} for name, role, limit in tx.users()]


def _enforce_role(office: Office, tx: Tx, name: str, role: str) -> None:
    """On a server the database enforces the role too (its group role); a training database names users, not logins."""
    if not tx.training():
        office.store.grant_role(tx, name, role)


def _limit(role: str, limit: str | None) -> str | None:
    if role not in ROLES:
        raise BadInput(_("--role must be one of {roles}, got {role!r}").format(roles=listing(ROLES), role=role))
    if limit is not None and role not in LIMITED_ROLES:
        raise BadInput(_("--limit applies to handlers and seniors, not to the {role} role").format(role=name("role", role)))
    return money(parse_amount(limit, "--limit")) if limit is not None else None


def _role_text(role: str, limit: str | None) -> str:
    role = name("role", role)
    return _("{role}, limit {limit}").format(role=role, limit=limit) if limit else role


def _keep_an_admin(tx: Tx, current: dict, role: str) -> None:
    """Changing the role of the last admin would lock everyone out of administration."""
    if current["role"] == "admin" and role != "admin" and tx.count_users("admin") == 1:
        raise refused(_("{user} is the only admin; register another admin first").format(user=current["name"]), HOUSE_RULE,
                      "last_admin", None)


def show_policy(office: Office, number: str) -> dict:
    with office.store.read() as tx:
        policy = tx.policy(number)
        if policy is None:
            raise NotFound(_("policy {policy!r} not found").format(policy=number))
        user = office.authorized_user(tx, "policy")
    return masked(policy, user)


def show_settings(office: Office) -> dict:
    with office.store.read() as tx:
        office.authorized_user(tx, "settings")
        settings = office.settings(tx)
    return {"settings_version": settings.version, **settings.as_dict()}


def load_settings(office: Office, path: str) -> dict:
    """Put new settings in force; events already recorded keep the version they were checked against."""
    settings = read_settings(path)

    def work(tx: Tx) -> dict:
        admin = _admin_at_work(office, tx, "settings")
        tx.put_settings(settings)
        tx.set_meta(CURRENT_SETTINGS, settings.version)
        _admin_event(tx, admin, office.now(tx), settings, "settings", {"settings": settings.as_dict()})
        return {"settings_version": settings.version, **settings.as_dict()}

    return office.store.transact(work)


def _admin_at_work(office: Office, tx: Tx, command: str) -> dict:
    """The admin chain locked first (its head is read and extended), then the user authorised for `command`."""
    tx.lock(ADMIN_CHAIN)
    return office.authorized_user(tx, command)


def upgrade_schema(target: str, asked: str | None, now_text: str | None) -> dict:
    """Bring an older database's schema up to this program's (migrations), recorded in the admin chain — all or nothing.

    The acting user must be an admin of the database as it stands. The admin event names the revisions and lists the
    policy versions the upgrade itself attests (bodies that were in the database before versions were kept).
    """
    office = Office(open_store(target), asked, now_text)
    acting: dict = {}

    def authorize(tx: Tx) -> None:
        tx.lock(ADMIN_CHAIN)
        acting.update(office.authorized_user(tx, "db"))

    def record(tx: Tx, before: str | None) -> None:
        seq = tx.chain_head(ADMIN_CHAIN)[0] + 1
        attested = tx.all_rows("SELECT number, digest FROM policy_version WHERE imported_seq = :seq ORDER BY number", {"seq": seq})
        payload = {"from": before, "to": HEAD, "policies": [{"policy": number, "digest": digest} for number, digest in attested]}
        _admin_event(tx, acting, office.now(tx), office.settings(tx), "schema_upgrade", payload)

    try:
        before = office.store.upgrade(authorize, record)
    finally:
        office.close()
    return {"from": before, "to": HEAD, "upgraded": before != HEAD}


def _admin_event(tx: Tx, admin: dict, when, settings: Settings, name: str, payload: dict) -> None:
    seq, prev = tx.chain_head(ADMIN_CHAIN)
    state = None if seq == 0 else "active"
    at = stamp(when.astimezone(settings.zone))
    tx.append_events([seal(ADMIN_CHAIN, seq + 1, name, state, "active", at, admin["name"], admin["role"],
                           payload, settings.version, prev)])
