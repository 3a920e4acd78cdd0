namespace HubPlatform.HubEmulator.Hub.Synthetic;

/// <summary>Who publishes on the Hub. Everyone but individuals is an organization.</summary>
public enum AuthorKind : byte
{
    Individual,
    Company,
    University,
    ResearchInstitute,
    NonProfit,
    CommunityGroup,
}
