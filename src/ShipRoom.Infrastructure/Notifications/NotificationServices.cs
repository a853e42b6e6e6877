using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ShipRoom.Infrastructure.Configuration;

namespace ShipRoom.Infrastructure.Notifications;

public static class NotificationServices
{
    public static IServiceCollection AddNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<NotificationOptions, NotificationOptionsValidator>(configuration, ConfigurationKeys.NotificationsSection);
        // The chat webhooks' addresses carry their secrets in the path, which HttpClient's own request logging would write out.
        services.AddHttpClient(ChannelSender.HttpClientName).RemoveAllLoggers();
        services.AddSingleton<PostTemplateService>();
        services.AddSingleton<NotificationChannels>();
        services.AddSingleton<DuePosts>();
        services.AddSingleton<PostQueue>();
        services.AddSingleton<PageUpdateService>();
        services.AddSingleton<ChannelSender>();
        services.AddSingleton<BotConnectorTokens>();
        services.AddSingleton<PostDelivery>();
        services.AddSingleton<CadenceReportPreview>();
        return services;
    }
}
