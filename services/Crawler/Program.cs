using HubPlatform.Crawler.Apis;
using HubPlatform.Crawler.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddCrawlerServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapCrawlsApi();
app.MapOutboxApi();

app.Run();
