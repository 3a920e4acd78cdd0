using Microsoft.Extensions.Configuration;

namespace HubPlatform.AppHost.Infrastructure;

public static class ReadyBanner
{
    /// <summary>
    /// Once the gateway is healthy, says on the console where to go and what is being crawled:
    /// the first thing a newcomer running <c>./hub up</c> needs.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AnnounceWhenReady(
        this IResourceBuilder<ProjectResource> gateway, IResourceBuilder<ProjectResource> emulator, HubData data)
    {
        var dashboard = gateway.ApplicationBuilder.Configuration["ASPNETCORE_URLS"]?.Split(';')[0] ?? "the URL printed above";
        return gateway.OnResourceReady((_, _, _) =>
        {
            var api = gateway.GetEndpoint("http").Url;
            Console.WriteLine($"""

                HubPlatform is ready.
                  Web explorer      {api}
                  Public API        {api}/api/v1/summary   (reference: {api}/scalar/v1)
                  Aspire dashboard  {dashboard}
                  Hub emulator      {emulator.GetEndpoint("http").Url}
                  Crawling          {data.Describe()}
                A crawl starts by itself: follow it at {api}/api/v1/crawls

                """);
            return Task.CompletedTask;
        });
    }
}
