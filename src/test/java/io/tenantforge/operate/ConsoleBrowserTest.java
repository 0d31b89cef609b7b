package io.tenantforge.operate;

import static io.tenantforge.support.TenantOrders.anOrder;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import io.tenantforge.support.Api;
import io.tenantforge.support.IntegrationTest;
import io.tenantforge.support.TenantFixtures;
import io.tenantforge.tenant.TenantStatus;

import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;

/**
 * An operator in a real browser (Debian's headless Chromium, driven through Debian's
 * chromedriver): logs in, sees the route ids in Hawtio's Camel routes view and an ACTIVE
 * tenant on the fleet page, and a failed scheduled backup there with its reason.
 * Screenshots go to {@code target/screenshots}, with the page source and the browser's
 * console log.
 */
@IntegrationTest
class ConsoleBrowserTest {

	private static final Path SCREENSHOTS = Path.of("target/screenshots");

	@Autowired
	Api api;

	@Autowired
	TenantFixtures fixtures;

	@Autowired
	Environment environment;

	@Autowired
	ProducerTemplate camel;

	private WebDriver browser;

	private String base;

	@BeforeEach
	void openBrowser() throws IOException {
		fixtures.purge("fleetpage");
		base = "http://127.0.0.1:" + environment.getRequiredProperty("local.server.port");
		ChromeDriverService driver = new ChromeDriverService.Builder()
			.usingDriverExecutable(new File("/usr/bin/chromedriver"))
			.usingAnyFreePort()
			.build();
		ChromeOptions options = new ChromeOptions().setBinary("/usr/bin/chromium")
			.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
					"--disable-background-networking", "--disable-component-update", "--disable-sync",
					"--window-size=1400,1000",
					"--user-data-dir=" + Files.createTempDirectory("tenantforge-chromium").toAbsolutePath());
		var logging = new org.openqa.selenium.logging.LoggingPreferences();
		logging.enable(org.openqa.selenium.logging.LogType.BROWSER, java.util.logging.Level.ALL);
		options.setCapability("goog:loggingPrefs", logging);
		browser = new ChromeDriver(driver, options);
		Files.createDirectories(SCREENSHOTS);
	}

	@AfterEach
	void closeBrowser() {
		if (browser != null) {
			browser.quit();
		}
		fixtures.awaitSettled("fleetpage", Duration.ofSeconds(60));
		fixtures.purge("fleetpage");
		// a failed scheduled backup would keep /actuator/health DOWN for the tests after
		fixtures.controlPlaneDatabase().update("DELETE FROM tenant_backup_outcomes WHERE tenant_id = 'fleetpage'");
	}

	@Test
	void operatorLogsInSeesTheRoutesInHawtioAndAnActiveTenantOnTheFleetPage() throws IOException {
		api.postOrder(anOrder().withName("Fleet Page").withSubdomain("fleetpage").build());
		fixtures.awaitStatus("fleetpage", TenantStatus.ACTIVE, Duration.ofSeconds(60));
		assertThat(api.post("/api/v1/fleet/sweep", "").statusCode()).isEqualTo(200);

		login();

		browser.get(base + "/");
		new WebDriverWait(browser, Duration.ofSeconds(30))
			.until(page -> page.findElements(By.cssSelector("tr[data-tenant=fleetpage] .status"))
				.stream()
				.anyMatch(status -> status.getText().equals("ACTIVE")));
		new WebDriverWait(browser, Duration.ofSeconds(30))
			.until(page -> page.findElement(By.id("sweep")).getText().matches("(?s)Last health sweep .*healthy.*"));
		screenshot("fleet-page.png");

		browser.get(base + "/actuator/hawtio/");
		try {
			new WebDriverWait(browser, Duration.ofSeconds(45)).pollingEvery(Duration.ofMillis(500))
				.until(page -> !page.findElements(By.linkText("Camel")).isEmpty());
			browser.findElement(By.linkText("Camel")).click();
			new WebDriverWait(browser, Duration.ofSeconds(45)).pollingEvery(Duration.ofMillis(500))
				.until(page -> page.getPageSource().contains("provisioning-reconcile")
						&& page.getPageSource().contains("health-sweep-schedule"));
		}
		finally {
			screenshot("hawtio-camel-routes.png");
			StringBuilder console = new StringBuilder();
			browser.manage()
				.logs()
				.get(org.openqa.selenium.logging.LogType.BROWSER)
				.forEach(e -> console.append(e).append('\n'));
			Files.writeString(SCREENSHOTS.resolve("browser-console.txt"), console);
			Files.writeString(SCREENSHOTS.resolve("hawtio-camel-routes.html"),
					"<!-- " + browser.getCurrentUrl() + " -->\n" + browser.getPageSource());
		}
		assertThat(browser.getPageSource()).contains("intake-rest-order", "intake-queue-order", "intake-file-order",
				"intake-order-received", "provisioning-reconcile", "provisioning-resync", "health-sweep-schedule",
				"health-sweep");
	}

	@Test
	void aFailedScheduledBackupIsOnTheFleetPageWithItsReason() throws IOException {
		api.postOrder(anOrder().withName("Fleet Page").withSubdomain("fleetpage").build());
		fixtures.awaitStatus("fleetpage", TenantStatus.ACTIVE, Duration.ofSeconds(60));
		// an operator dropped its schema by hand: the scheduled backup fails for real
		fixtures.tenantsDatabase().execute("DROP SCHEMA tenant_fleetpage CASCADE");
		camel.requestBody("direct:backup-schedule", (Object) null);

		login();
		browser.get(base + "/");
		try {
			new WebDriverWait(browser, Duration.ofSeconds(30))
				.until(page -> page.findElements(By.cssSelector("#backups li[data-backup-failed=fleetpage]"))
					.stream()
					.anyMatch(failed -> failed.getText()
						.matches("(?s)fleetpage scheduled backup failed .*has no database schema.*")));
		}
		finally {
			screenshot("fleet-page-failed-backup.png");
		}
		assertThat(browser.findElement(By.id("backups")).getText()).containsPattern("[1-9][0-9]* failed");
		assertThat(browser.findElement(By.cssSelector("tr[data-tenant=fleetpage] [data-backup-failed]")).getText())
			.isEqualTo("backup failed");
	}

	private void login() {
		browser.get(base + "/login");
		browser.findElement(By.name("username")).sendKeys("admin");
		browser.findElement(By.name("password")).sendKeys(Api.ADMIN_PASSWORD);
		browser.findElement(By.cssSelector("button[type=submit]")).click();
	}

	private void screenshot(String name) throws IOException {
		File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
		Files.copy(shot.toPath(), SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
	}

}
