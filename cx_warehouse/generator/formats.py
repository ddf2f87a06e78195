"""SQL macros that render values the way each source system writes them."""

from __future__ import annotations

from .world import World

SHOPIFY_CUSTOMER_BASE = 6_000_000_000_000


def install_macros(world: World) -> None:
    seed = int(world.config.seed)
    ts_rate = world.rate("timestamps")
    call_id = (
        "'CL' || lpad((call_no + 1)::varchar, 8, '0')"
        if world.config.shape == "landing"
        else "(call_no + 1)::varchar"
    )
    response_id = (
        "'RS' || lpad((response_no + 1)::varchar, 9, '0')"
        if world.config.shape == "landing"
        else "'R_' || lpad((response_no + 1)::varchar, 15, '0')"
    )
    # the shop's customer id: the landing export's, or (fivetran) Shopify's numeric id
    shop_customer_id = (
        "'C' || lpad((customer_no + 1)::varchar, 7, '0')"
        if world.config.shape == "landing"
        else f"({SHOPIFY_CUSTOMER_BASE} + customer_no + 1)::varchar"
    )
    world.con.execute(
        f"""
        create or replace macro shop_customer_id(customer_no) as {shop_customer_id};
        -- the order number customers quote, in every shape (Shopify: the order's name)
        create or replace macro shop_order_id(order_no) as
            'A-' || lpad((order_no + 1)::varchar, 7, '0');
        -- a deterministic uniform number in [0, 1) per (key, salt): same seed, same draw
        create or replace macro u01(key, salt) as
            (hash(key, salt, {seed}) % 1000003) / 1000003.0;
        create or replace macro utc_naive(ts) as
            strftime(to_timestamp(ts), '%Y-%m-%d %H:%M:%S');
        create or replace macro local_naive(ts, tz) as
            strftime(timezone(tz, to_timestamp(ts)), '%Y-%m-%d %H:%M:%S');
        create or replace macro local_date(ts, tz) as
            timezone(tz, to_timestamp(ts))::date;
        create or replace macro utc_date(ts) as to_timestamp(ts)::date;
        -- ISO-8601 with offset: +00:00, or (timestamps fault) local Warsaw time and its offset
        create or replace macro iso_offset(ts, key) as
            case
                when u01(key, 901) < {ts_rate} then
                    strftime(timezone('Europe/Warsaw', to_timestamp(ts)), '%Y-%m-%dT%H:%M:%S')
                    || case
                        when epoch(timezone('Europe/Warsaw', to_timestamp(ts))) - ts = 7200
                            then '+02:00'
                        else '+01:00'
                    end
                else strftime(to_timestamp(ts), '%Y-%m-%dT%H:%M:%S') || '+00:00'
            end;
        create or replace macro phone_cc(s) as
            case
                when s like '420%' then '420'
                when s like '421%' then '421'
                when s like '48%' then '48'
                else '49'
            end;
        create or replace macro phone_national(s) as substr(s, length(phone_cc(s)) + 1);
        create or replace macro phone_groups(n, sep) as
            substr(n, 1, 3) || sep || substr(n, 4, 3) || sep || substr(n, 7);
        -- styles: 0 +48600100200, 1 +48 600 100 200, 2 0048600100200, 3 600-100-200, 4 600100200
        create or replace macro fmt_phone(num, style) as
            case style
                when 0 then '+' || num::varchar
                when 1 then '+' || phone_cc(num::varchar) || ' '
                    || phone_groups(phone_national(num::varchar), ' ')
                when 2 then '00' || num::varchar
                when 3 then phone_groups(phone_national(num::varchar), '-')
                else phone_national(num::varchar)
            end;
        -- mixed case and stray spaces, as people type them into forms
        create or replace macro messy_email(e, messy) as
            case
                when messy then '  ' || upper(substr(e, 1, 1))
                    || substr(e, 2, strpos(e, '@') - 1)
                    || upper(substr(e, strpos(e, '@') + 1)) || ' '
                else e
            end;
        -- a call's id as its system names it: the telephony export's, or Zendesk's ticket id
        create or replace macro call_record_id(call_no) as {call_id};
        -- a survey response's id: the survey platform export's, or Qualtrics' response id
        create or replace macro response_record_id(response_no) as {response_id};
        create or replace macro csv_bool(b) as case when b then 'true' else 'false' end;
        create or replace macro money(x) as printf('%.2f', x);
        """
    )


def local_style(style: str, local_allowed: str) -> str:
    """SQL: keep a national-only phone style only where the record's country implies it."""
    return f"case when ({local_allowed}) or {style} < 3 then {style} else {style} - 2 end"


def sql_list(values) -> str:
    """A Python sequence of strings as a SQL list literal: ['a', 'b']."""
    return "[" + ", ".join(f"'{value}'" for value in values) + "]"


def pick(values, index: str) -> str:
    """SQL: the value at a 0-based ``index`` expression of a Python sequence."""
    return f"{sql_list(values)}[{index} + 1]"
