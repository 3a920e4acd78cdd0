using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace HubPlatform.Tests.EndToEnd.Unit;

/// <summary>The AppHost's resource graph, read without starting anything (external mode: no servers spawned).</summary>
public sealed class AppHostModelTests
{
    [Fact]
    public async Task The_crawler_starts_only_once_every_consumer_is_healthy()
    {
        // Seen on a fresh clone: search took longer to start than the crawler's startup crawl took to run, its
        // queues were bound after the listing pages were published, and RabbitMQ dropped them: no documents.
        await using var builder =
            await DistributedApplicationTestingBuilder.CreateAsync<Projects.HubPlatform_AppHost>(["--Infrastructure:Mode=external"]);

        var crawler = builder.Resources.Single(r => r.Name == "crawler");
        var waitsFor = crawler.Annotations.OfType<WaitAnnotation>()
            .Where(w => w.WaitType == WaitType.WaitUntilHealthy)
            .Select(w => w.Resource.Name)
            .ToHashSet();

        Assert.Superset(new HashSet<string> { "metrics", "lineage", "search" }, waitsFor);
        foreach (var consumer in new[] { "metrics", "lineage", "search" })
        {
            Assert.Contains(builder.Resources.Single(r => r.Name == consumer).Annotations.OfType<HealthCheckAnnotation>(), _ => true);
        }
    }
}
