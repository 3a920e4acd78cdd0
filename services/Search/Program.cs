using HubPlatform.Search.Apis;
using HubPlatform.Search.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddSearchServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapSearchApi();

app.Run();
