using HubPlatform.Search.Apis;
using HubPlatform.Search.Embeddings;
using HubPlatform.Search.Index;
using HubPlatform.Search.Infrastructure;
using HubPlatform.Search.IntegrationEvents;
using HubPlatform.Search.Pipeline;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace HubPlatform.Search.Extensions;

public static class SearchServiceExtensions
{
    public static void AddSearchServices(this WebApplicationBuilder builder)
    {
        builder.AddServiceDatabase<WebApplicationBuilder, SearchDbContext>(SearchDbContext.Schema);
        builder.AddHubCache("search");
        var pages = builder.PageConcurrency();
        builder.AddHubMessaging("search", bus =>
        {
            bus.AddConsumer<ModelsObservedConsumer>().Endpoint(e => e.ConcurrentMessageLimit = pages);
            bus.AddConsumer<DatasetsObservedConsumer>().Endpoint(e => e.ConcurrentMessageLimit = pages);
            bus.AddConsumer<CardsFetchedConsumer>();
            bus.AddConsumer<ReposRemovedConsumer>();
            bus.AddConsumer<SnapshotStartedConsumer>();
            bus.AddConsumer<SnapshotCompletedConsumer>();
        });
        builder.Services.Configure<SemanticSearchOptions>(builder.Configuration.GetSection(SemanticSearchOptions.Section));
        builder.Services.AddScoped<DocumentStore>();
        builder.Services.AddScoped<CardStore>();
        builder.AddSearchEmbeddings();
        builder.Services.AddSingleton<EmbeddingProgress>();
        builder.Services.AddSingleton<IngestActivity>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<EmbeddingWorker>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<EmbeddingWorker>());
    }

    /// <summary>The embedding model and the vector index: singletons, since each holds a large native object shared by all requests.</summary>
    public static void AddSearchEmbeddings(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<EmbeddingOptions>(builder.Configuration.GetSection(EmbeddingOptions.Section));
        builder.Services.Configure<VectorIndexOptions>(builder.Configuration.GetSection(VectorIndexOptions.Section));
        builder.Services.AddSingleton<SentenceEmbedder>();
        builder.Services.AddSingleton(sp => sp.GetRequiredService<SentenceEmbedder>().Tokenizer);
        builder.Services.AddSingleton<CardChunker>();
        builder.Services.AddSingleton<IncrementalEmbedder>();
        builder.Services.AddSingleton<BacklogEmbedder>();
        builder.Services.AddSingleton<IndexState>();
        builder.Services.AddSingleton(sp => IndexFiles.LoadOrCreate(
            sp.GetRequiredService<IOptions<VectorIndexOptions>>().Value, sp.GetRequiredService<IndexState>(),
            sp.GetRequiredService<ILogger<VectorIndex>>()));
    }
}
