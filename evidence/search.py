"""The text a response is searched and highlighted by (SQL shared by services and selectors).

Only what respondents wrote: answers and their files' extracted text, never who they are.
"""

# The document a response is searched and highlighted by, per part; `{id}` names the
# column that holds the response's id.
ANSWERS_SQL = """
    SELECT string_agg(
        a.text || ' ' || coalesce(
            (SELECT string_agg(v, ' ') FROM jsonb_array_elements_text(a."values") AS v), ''),
        E'\\n' ORDER BY a.id)
    FROM evidence_answer AS a WHERE a.submission_id = {id}
"""
ATTACHMENTS_SQL = """
    SELECT string_agg(t.extracted_text, E'\\n' ORDER BY t.id)
    FROM evidence_attachment AS t WHERE t.submission_id = {id}
"""
