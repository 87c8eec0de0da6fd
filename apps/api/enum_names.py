"""Names of the choice sets in the OpenAPI schema (drf-spectacular ENUM_NAME_OVERRIDES).

Several apps have fields named ``kind``, ``role`` or ``status`` with different choices; naming
each choice set after its class keeps the schema stable and warning-free.
"""

ENUM_NAME_OVERRIDES = {
    "AccountsOrgKindEnum": "apps.accounts.enums.OrgKind",
    "AccountsPartyEnum": "apps.accounts.enums.Party",
    "AccountsProjectRoleEnum": "apps.accounts.enums.ProjectRole",
    "AttachmentsAttachmentKindEnum": "apps.attachments.enums.AttachmentKind",
    "DeadlinesDeadlineKindEnum": "apps.deadlines.enums.DeadlineKind",
    "DeadlinesCountingEnum": "apps.deadlines.enums.Counting",
    "DeadlinesDeadlineStateEnum": "apps.deadlines.enums.DeadlineState",
    "DisclosureTopicEnum": "apps.disclosure.enums.Topic",
    "FirstArticleUnitEnum": "apps.first_article.enums.Unit",
    "FirstArticleVerificationStatusEnum": "apps.first_article.enums.VerificationStatus",
    "FirstArticleContactSheetStateEnum": "apps.first_article.enums.ContactSheetState",
    "FirstArticleConclusionEnum": "apps.first_article.enums.Conclusion",
    "PlansPlanStatusEnum": "apps.plans.enums.PlanStatus",
    "ProjectsPhaseEnum": "apps.projects.enums.Phase",
    "ProjectsServiceTypeEnum": "apps.projects.enums.ServiceType",
    "ProjectsRiskLevelEnum": "apps.projects.enums.RiskLevel",
    "ProjectsConfidentialityEnum": "apps.projects.enums.Confidentiality",
    "QualificationDocumentKindEnum": "apps.qualification.enums.DocumentKind",
    "QualificationReviewStatusEnum": "apps.qualification.enums.ReviewStatus",
    "QualificationItemResultEnum": "apps.qualification.enums.ItemResult",
    "SignaturesSignatureMeaningEnum": "apps.signatures.enums.SignatureMeaning",
    "TeamsFilingStatusEnum": "apps.teams.enums.FilingStatus",
    "TeamsCertificateLevelEnum": "apps.teams.enums.CertificateLevel",
    "TeamsTrainingResultEnum": "apps.teams.enums.TrainingResult",
    "TeamsChangeStatusEnum": "apps.teams.enums.ChangeStatus",
}
