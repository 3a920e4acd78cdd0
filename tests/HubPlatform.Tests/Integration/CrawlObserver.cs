using System.Collections.Concurrent;
using HubPlatform.Contracts;
using MassTransit;

namespace HubPlatform.Tests.Integration;

/// <summary>Listens on the test's virtual host to everything the crawler publishes, as a downstream service would.</summary>
public sealed class CrawlObserver : IAsyncDisposable
{
    private readonly IBusControl _bus;

    public ConcurrentBag<(Guid MessageId, ModelsObserved Page)> Pages { get; } = [];
    public ConcurrentBag<SnapshotCompleted> Completed { get; } = [];
    public ConcurrentBag<ReposRemoved> Removed { get; } = [];

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
