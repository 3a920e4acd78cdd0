using HubPlatform.Metrics.Apis;
using HubPlatform.Metrics.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddMetricsServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapModelsApi();
app.MapSnapshotsApi();
app.MapModelVerseApi();
app.MapDataVerseApi();
app.MapHeatMapApi();
app.MapOrganizationsApi();
app.MapSummaryApi();
app.MapTrendsApi();
app.MapLifecyclesApi();
app.MapExportsApi();

app.Run();
