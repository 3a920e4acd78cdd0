using HubPlatform.Lineage.Apis;
using HubPlatform.Lineage.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddLineageServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapModelTreeApi();
app.MapFamilyApi();
app.MapFamilyStatisticsApi();

app.Run();
