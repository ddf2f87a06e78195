{% macro keyed_hash(expression) %}
    {#- A keyed hash of a text expression under the secret CXW_ERASURE_KEY:
        sha256(key || sha256(key || ':' || text)), lower-case hex. HMAC's
        nested construction, with the key prefixed instead of xor-padded:
        Spark SQL has neither an hmac function nor a byte xor, and the same
        key must come out on both engines. Whoever holds the text without
        the key cannot compute it. The key is read by name at run time
        (pseudonym_key_sql), never written into the SQL; only a unit test
        names one, as var pseudonym_key_for_unit_tests, so that its expected
        keys do not depend on the secret of the machine it runs on. -#}
    {%- set unit_test_key = var('pseudonym_key_for_unit_tests', none) -%}
    {%- set key = ("'" ~ unit_test_key ~ "'") if unit_test_key is not none
        else adapter.dispatch('pseudonym_key_sql', 'cx_warehouse')() -%}
    {%- set inner = adapter.dispatch('sha256_hex', 'cx_warehouse')(dbt.concat([
        key, "':'", "cast(" ~ expression ~ " as " ~ dbt.type_string() ~ ")",
    ])) -%}
    {{- adapter.dispatch('sha256_hex', 'cx_warehouse')(dbt.concat([key, inner])) -}}
{% endmacro %}

{% macro default__pseudonym_key_sql() -%}
    {#- DuckDB: the function cx_warehouse/duckdb_plugin.py registers. -#}
    cxw_pseudonym_key()
{%- endmacro %}

{% macro spark__pseudonym_key_sql() -%}
    {#- Spark: the session conf profiles.yml sets from CXW_ERASURE_KEY,
        substituted by Spark when it parses the statement. -#}
    '${spark.cxw.pseudonym_key}'
{%- endmacro %}

{% macro default__sha256_hex(expression) -%}
    sha256({{ expression }})
{%- endmacro %}

{% macro spark__sha256_hex(expression) -%}
    sha2({{ expression }}, 256)
{%- endmacro %}

{% macro erased_key(expression) %}
    {#- The key an erased person's own record id (a shop customer_id) takes
        in every model: 'E' and its keyed hash. Neither the id nor a plain
        hash of it remains, every record of the person still carries one
        key (the marts keep counting them), and without the secret nobody
        can tell whose it was. -#}
    {{- dbt.concat(["'E'", keyed_hash(expression)]) -}}
{% endmacro %}

{% macro anchor_key(node_id) %}
    {#- The customer key of a component without a shop account: 'K' and the
        keyed hash of its anchor node (int_customer_keys). -#}
    {{- dbt.concat(["'K'", keyed_hash(node_id)]) -}}
{% endmacro %}
