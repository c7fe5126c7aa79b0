"""The models of conventions, one module per concern; imported here as Django expects."""

from .bulk import BulkCreation
from .conventions import (
    FROZEN_STATES,
    Convention,
    ConventionContact,
    ConventionQuerySet,
    ConventionSignatory,
    ConventionSnapshot,
    ConventionTransition,
    ReferenceCounter,
    State,
    TerminationNotice,
)
from .evidence import AppendOnlyQuerySet, ConventionDocument, ConventionEvent, Signature, SignatureRequest
from .frameworks import Framework, FrameworkNode, FrameworkVersion
from .templates import (
    PLACEHOLDER_PATTERN,
    PLACEHOLDERS,
    ConventionTemplate,
    ConventionTemplateQuerySet,
    Party,
    TemplateAnnexSection,
    TemplateArticle,
    TemplateEngagement,
    TemplatePart,
    TemplateSignatory,
    validate_placeholders,
)

__all__ = [
    "FROZEN_STATES",
    "PLACEHOLDERS",
    "PLACEHOLDER_PATTERN",
    "AppendOnlyQuerySet",
    "BulkCreation",
    "Convention",
    "ConventionContact",
    "ConventionDocument",
    "ConventionEvent",
    "ConventionQuerySet",
    "ConventionSignatory",
    "ConventionSnapshot",
    "ConventionTemplate",
    "ConventionTemplateQuerySet",
    "ConventionTransition",
    "Framework",
    "FrameworkNode",
    "FrameworkVersion",
    "Party",
    "ReferenceCounter",
    "Signature",
    "SignatureRequest",
    "State",
    "TemplateAnnexSection",
    "TemplateArticle",
    "TemplateEngagement",
    "TemplatePart",
    "TemplateSignatory",
    "TerminationNotice",
    "validate_placeholders",
]
