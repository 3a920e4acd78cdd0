using Cloud.Unum.USearch;
using HubPlatform.Search.Embeddings;
using HubPlatform.Search.Index;
using HubPlatform.Search.Infrastructure;
using HubPlatform.Search.IntegrationEvents;
using HubPlatform.Search.Pipeline;
using Microsoft.Extensions.Options;

namespace HubPlatform.Search.Extensions;

public static class SearchServiceExtensions
{
    public static void AddSearchServices(this WebApplicationBuilder builder)
    {
        builder.AddServiceDatabase<WebApplicationBuilder, SearchDbContext>(SearchDbContext.Schema);
        builder.AddHubCache("search");
        builder.AddHubMessaging("search", bus =>
        {
            bus.AddConsumer<ModelsObservedConsumer>();
            bus.AddConsumer<SnapshotCompletedConsumer>();
        });
        builder.Services.AddScoped<DocumentStore>();
        builder.AddSearchEmbeddings();
        builder.Services.AddSingleton<IndexWatermark>();
        builder.Services.AddHostedService<EmbeddingWorker>();
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
        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<VectorIndexOptions>>().Value;
            if (options.Path is not { } path || !File.Exists(path))
            {
                return VectorIndex.Create(options);
            }
            // A saved index spares a restart from re-inserting every stored vector. A damaged file must not stop
            // the service: it starts empty and the index is rebuilt from the vectors in the database.
            try
            {
                return VectorIndex.Load(path, options);
            }
            catch (Exception e) when (e is USearchException or InvalidDataException)
            {
                sp.GetRequiredService<ILogger<VectorIndex>>().LogWarning(e, "Vector index {Path} could not be loaded; starting empty.", path);
                return VectorIndex.Create(options);
            }
        });
    }
}
