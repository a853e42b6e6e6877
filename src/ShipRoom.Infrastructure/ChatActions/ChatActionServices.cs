using Microsoft.Extensions.DependencyInjection;

namespace ShipRoom.Infrastructure.ChatActions;

public static class ChatActionServices
{
    /// <summary>Hold, Roll back and Approve from chat: Slack's signature check and the click-to-command mapping.</summary>
    public static IServiceCollection AddChatActions(this IServiceCollection services)
    {
        services.AddSingleton<SlackSignature>();
        services.AddSingleton<ChatActionService>();
        return services;
    }
}
