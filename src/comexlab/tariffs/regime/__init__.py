"""The US tariff regime in force on any date, line by line (issue 12).

* :mod:`.timeline` — the policy timeline (package data ``tariffs/data/regime/measures.yaml``)
  validated into frozen :class:`~.timeline.Measure` records;
* :mod:`.lists` — the named product lists the timeline uses (Budget Lab resources, resolved
  at the I/O edge);
* :mod:`.stacking` — how measures combine on one line: a dispatch table of rules, one per
  ``stacking`` role;
* :mod:`.compute` — the regime on a date (edition in force, active measures) → each line's
  rate by authority → the pre-substitution effective tariff rate; series over a range,
  computed once per distinct regime; the check of the timeline against chapter 99.

Pure: no files, databases or sockets (the warehouse hands the lines over).
"""
