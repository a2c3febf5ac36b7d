"""The services one running app uses, built once from storage, settings and a
clock and handed to the web layer."""

from __future__ import annotations

import random
from dataclasses import dataclass

from contest.clock import Clock, SystemClock
from contest.config import Settings
from contest.services.accounts import Accounts
from contest.services.attempts import Attempts
from contest.services.banks import Banks
from contest.services.catalog import Catalog
from contest.services.certificates import Certificates
from contest.services.challenges import Challenges
from contest.services.codes import Codes
from contest.services.collective import CollectivePrizes
from contest.services.contests import Contests
from contest.services.journal import Journal
from contest.services.judging import Judging
from contest.services.key_corrections import KeyCorrections
from contest.services.leaderboards import Leaderboards
from contest.services.limits import Limits
from contest.services.overall import Overall
from contest.services.participants import Participants
from contest.services.passwords import Passwords
from contest.services.previews import Previews
from contest.services.profiles import Profiles
from contest.services.publications import Publications
from contest.services.records import Records
from contest.services.resets import Resets
from contest.services.rounds import Rounds
from contest.services.senders import email_sender, sms_sender
from contest.services.sessions import Sessions
from contest.services.signups import Signups
from contest.services.staff import Staff
from contest.services.statistics import Statistics
from contest.storage import Storage


@dataclass
class Services:
    storage: Storage
    settings: Settings
    clock: Clock
    catalog: Catalog
    contests: Contests
    passwords: Passwords
    limits: Limits
    challenges: Challenges
    accounts: Accounts
    attempts: Attempts
    banks: Banks
    rounds: Rounds
    leaderboards: Leaderboards
    overall: Overall
    judging: Judging
    certificates: Certificates
    records: Records
    sessions: Sessions
    staff: Staff
    statistics: Statistics
    participants: Participants
    journal: Journal
    publications: Publications
    previews: Previews
    profiles: Profiles
    codes: Codes
    signups: Signups
    resets: Resets
    collective: CollectivePrizes
    keys: KeyCorrections

    @classmethod
    def build(
        cls, storage: Storage, settings: Settings, clock: Clock | None = None, *, rng: random.Random | None = None
    ) -> Services:
        clock = clock or SystemClock()
        catalog = Catalog(storage, check_seconds=settings.catalog_check_seconds)
        passwords = Passwords(settings)
        contests = Contests(storage, catalog, clock, cache_size=settings.attempt_cache_size)
        overall = Overall(storage, catalog, clock)
        leaderboards = Leaderboards(storage, catalog, clock, overall)
        limits = Limits(storage, settings, clock)
        challenges = Challenges(storage, settings, clock, limits)
        sessions = Sessions(storage, settings, clock)
        accounts = Accounts(
            storage, passwords, settings, clock, limits=limits, challenges=challenges, sessions=sessions
        )
        codes = Codes(storage, settings, clock, sms=sms_sender(settings), email=email_sender(settings))
        return cls(
            storage=storage,
            settings=settings,
            clock=clock,
            catalog=catalog,
            contests=contests,
            passwords=passwords,
            limits=limits,
            challenges=challenges,
            accounts=accounts,
            attempts=Attempts(storage, catalog, settings, clock, contests=contests, rng=rng),
            banks=Banks(storage, catalog, settings, clock),
            rounds=Rounds(storage, catalog, clock, leaderboards),
            leaderboards=leaderboards,
            overall=overall,
            judging=Judging(storage, catalog, clock, leaderboards),
            certificates=Certificates(storage, catalog, settings),
            records=Records(storage, catalog),
            sessions=sessions,
            staff=Staff(storage, passwords, clock, sessions=sessions),
            statistics=Statistics(storage, catalog, clock),
            participants=Participants(storage, catalog, clock, sessions=sessions),
            journal=Journal(storage, catalog),
            publications=Publications(storage, catalog, settings, clock),
            previews=Previews(catalog),
            profiles=Profiles(storage, catalog, clock, codes, limits=limits),
            codes=codes,
            signups=Signups(storage, passwords, codes, clock, limits=limits, challenges=challenges, catalog=catalog),
            resets=Resets(storage, accounts, codes, settings),
            collective=CollectivePrizes(storage, catalog),
            keys=KeyCorrections(storage, catalog, clock, leaderboards),
        )
