"""Controlled vocabularies of the registry, in one module (option sets as ``StrEnum``)."""

from __future__ import annotations

from enum import StrEnum


class ChainRole(StrEnum):
    """Position of a firm in the supply chain."""

    oem = "oem"
    tier1 = "tier1"
    tier2 = "tier2"
    tier3 = "tier3"
    service = "service"


class MemberRole(StrEnum):
    """Role of a firm in a cluster."""

    member = "member"
    anchor = "anchor"
    board = "board"


class ClusterLinkKind(StrEnum):
    """Kind of relation between two clusters."""

    collaboration_agreement = "collaboration_agreement"
    supplier_exchange = "supplier_exchange"
    joint_trade_mission = "joint_trade_mission"
    shared_training = "shared_training"
    information_exchange = "information_exchange"


class ProgramKind(StrEnum):
    """Kinds of agency programs firms enrol in."""

    training = "training"
    certification_support = "certification_support"
    modernisation_funding = "modernisation_funding"
    export_consortium = "export_consortium"
    trade_mission = "trade_mission"
    trade_fair = "trade_fair"
    ecommerce_onboarding = "ecommerce_onboarding"


class EnrolmentStatus(StrEnum):
    """Where a firm stands in a program."""

    applied = "applied"
    accepted = "accepted"
    in_progress = "in_progress"
    completed = "completed"
    dropped = "dropped"
    rejected = "rejected"


class EventKind(StrEnum):
    """Kinds of events firms meet buyers at."""

    trade_mission = "trade_mission"
    trade_fair = "trade_fair"
    b2b_round = "b2b_round"


class MeetingOutcomeKind(StrEnum):
    """What a B2B meeting led to (a meeting may reach several, in this order)."""

    follow_up = "follow_up"
    quote = "quote"
    contract = "contract"
