namespace MailFlowTools.Tests.Lab;

/// <summary>Tests in [Collection(LabCollection.Name)] share one lab, brought up once and torn down at the end.</summary>
[CollectionDefinition(Name)]
public sealed class LabCollection : ICollectionFixture<LabFixture>
{
    public const string Name = "Lab";
}
