-- Who may enter a round (contest/domain/eligibility.py): a qualifying round
-- kept to some of its contest's units or areas, a final open only to those
-- who qualified from named earlier rounds. JSON: {"eligible_units": [ids],
-- "eligible_areas": [ids], "qualify_from": [round ids], "qualify_top": N,
-- "qualify_min_score": S}; existing rounds stay open to every participant.
ALTER TABLE rounds ADD COLUMN eligibility TEXT NOT NULL DEFAULT '{}';
