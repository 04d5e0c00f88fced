"""Classroom mode: one sandbox, one user domain and secret per trainee, and who may see what.

``Sandbox(extension=Classroom(Roster.numbered(20)))`` serves a class. The classroom plugs in
through the sandbox's one extension point (:mod:`smskit.sandbox.extension`); its parts:

- :mod:`.roster`: :class:`Trainee` and :class:`Roster` (credentials, the owner-only file);
- :mod:`.auth`: how a trainee signs a request to their own views (both sides use it);
- :mod:`.guard`: who is asking, replay memory, refusals;
- :mod:`.progress`: exercise progress, counted and partly judged by the sandbox;
- :mod:`.dashboard`: per-trainee tallies, the dashboard's rows, the class summary, CSV;
- :mod:`.routes`: the trainer's and each trainee's views;
- :mod:`.extension`: :class:`Classroom`, which ties them to one sandbox;
- :mod:`.private_file`: files only their owner may read.
"""

from smskit.sandbox.classroom.extension import Classroom
from smskit.sandbox.classroom.guard import Refused
from smskit.sandbox.classroom.roster import Roster, RosterError, Trainee

__all__ = ["Classroom", "Refused", "Roster", "RosterError", "Trainee"]
