using System.Collections.Concurrent;
using HubPlatform.Contracts;
using MassTransit;

namespace HubPlatform.Tests.Support;

/// <summary>Listens on the test's virtual host to everything the crawler publishes, as a downstream service would.</summary>
public sealed class CrawlObserver : IAsyncDisposable
{
    private readonly IBusControl _bus;

    public ConcurrentBag<(Guid MessageId, ModelsObserved Page)> Pages { get; } = [];
    public ConcurrentBag<SnapshotCompleted> Completed { get; } = [];
    public ConcurrentBag<ReposRemoved> Removed { get; } = [];
    public ConcurrentBag<(Guid MessageId, DatasetsObserved Page)> DatasetPages { get; } = [];
    public ConcurrentBag<(Guid MessageId, SpacesObserved Page)> SpacePages { get; } = [];
    public ConcurrentBag<(Guid MessageId, OrganizationsObserved Page)> OrganizationPages { get; } = [];
    /// <summary>Cards pages with the size of the message body as it crossed the broker.</summary>
    public ConcurrentBag<(Guid MessageId, CardsFetched Page, long Bytes)> CardPages { get; } = [];

    private CrawlObserver(Uri messaging)
    {
        _bus = Bus.Factory.CreateUsingRabbitMq(rabbit =>
        {
            rabbit.Host(messaging);
            rabbit.ReceiveEndpoint("test-observer", endpoint =>
            {
                endpoint.Handler<ModelsObserved>(context =>
                {
                    Pages.Add((context.MessageId!.Value, context.Message));
                    return Task.CompletedTask;
                });
                endpoint.Handler<SnapshotCompleted>(context =>
                {
                    Completed.Add(context.Message);
                    return Task.CompletedTask;
                });
                endpoint.Handler<ReposRemoved>(context =>
                {
                    Removed.Add(context.Message);
                    return Task.CompletedTask;
                });
                endpoint.Handler<DatasetsObserved>(context =>
                {
                    DatasetPages.Add((context.MessageId!.Value, context.Message));
                    return Task.CompletedTask;
                });
                endpoint.Handler<SpacesObserved>(context =>
                {
                    SpacePages.Add((context.MessageId!.Value, context.Message));
                    return Task.CompletedTask;
                });
                endpoint.Handler<OrganizationsObserved>(context =>
                {
                    OrganizationPages.Add((context.MessageId!.Value, context.Message));
                    return Task.CompletedTask;
                });
                endpoint.Handler<CardsFetched>(context =>
                {
                    CardPages.Add((context.MessageId!.Value, context.Message, context.ReceiveContext.Body.Length ?? 0));
                    return Task.CompletedTask;
                });
            });
        });
    }

    public static async Task<CrawlObserver> StartAsync(Uri messaging)
    {
        var observer = new CrawlObserver(messaging);
        await observer._bus.StartAsync();
        return observer;
    }

    public ModelsObserved[] PagesOf(Guid snapshot) => Pages.Select(p => p.Page).Where(p => p.SnapshotId == snapshot).ToArray();

    public async ValueTask DisposeAsync() => await _bus.StopAsync();
}
