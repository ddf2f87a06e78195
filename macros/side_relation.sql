{% macro side_relation(suffix) -%}
    {#- The table <model>__<suffix> beside the calling model, in its schema:
        a work table or a table a model keeps for its next run. -#}
    {{ return(api.Relation.create(
        database=this.database,
        schema=this.schema,
        identifier=this.identifier ~ '__' ~ suffix,
        type='table',
    )) }}
{%- endmacro %}
